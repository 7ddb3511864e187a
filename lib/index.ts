// The public API: the two gates, their props and the options they share. Their common base and the subject it is
// built with stay internal (lib/sync-gate-base.ts says why).
export * from './git-sync-gate';
export * from './service-instance-sync-gate';
export type { SyncGateOptions } from './sync-gate-base';

// The public API: the two gates, their props and the options they share, the reader role for a sync's own account,
// and the sources it can read. The gates' common base and the subject it is built with stay internal
// (lib/sync-gate-base.ts says why).
export * from './git-sync-gate';
export * from './service-instance-sync-gate';
export * from './sync-status-reader-role';
export { SyncGateSource } from './sources';
export type { SyncGateOptions } from './sync-gate-base';

export { SyncGateSource } from './sources';
export * from './sync-gate-base';
export * from './service-instance-sync-gate';
export * from './git-sync-gate';

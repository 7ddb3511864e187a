export * from './service-instance-sync-gate';

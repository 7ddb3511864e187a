/** Every sync source the gate can read, in the order their identifying properties are documented. */
import { gitSyncSource } from './git-sync';
import { protonSource } from './proton';
import { SyncSource } from './source';

export const SOURCES: readonly SyncSource[] = [protonSource as SyncSource, gitSyncSource as SyncSource];

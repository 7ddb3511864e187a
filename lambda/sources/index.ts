/** Every sync source the gate can read, in the order their identifying properties are documented. */
import { protonSource } from './proton';
import { SyncSource } from './source';

export const SOURCES: readonly SyncSource[] = [protonSource as SyncSource];

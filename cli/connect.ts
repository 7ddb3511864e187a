/**
 * The reader a check reads its source with, for every front end that runs the check for real: the command
 * (cli/index.ts) and the GitHub Action (action/index.ts). One function, so that how the check reads (the SDK
 * client, its retries and bounds) is decided once and both get any change to it.
 */
import { SourceReader, SyncSource } from '../lambda/sources/source';

/** A reader of `source` in `region`: the source's own client, as the gate's handler uses it. */
export function connectReader(source: SyncSource, region: string): SourceReader {
  return source.connect(region);
}

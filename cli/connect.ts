/**
 * The reader a check reads its source with, for every front end that runs the check for real: the command
 * (cli/index.ts) and the GitHub Action (action/index.ts). One function, so that how the check reads (the SDK
 * client, its retries and bounds) is decided once and both get any change to it.
 */
import { standardRetry } from '../lambda/client-config';
import { connectSubject, createStsClient } from '../lambda/sources/reader-role';
import { SourceReader, Subject, SyncSource } from '../lambda/sources/source';

/**
 * A reader of `subject`: the source's own client, as the gate's handler uses it (through the subject's reader role in
 * another account, if it names one: connectSubject, its STS client in the subject's region), but retrying as the
 * SDK's standard mode does. Someone waits for the answer: a throttled or 5xx read is retried within the call budget's
 * attempts before the check counts it as a poll that could not read (the gate's polite policy is for many gates
 * sharing a limit while CloudFormation waits, not for one check).
 */
export function connectReader(source: SyncSource, subject: Subject): SourceReader {
  return connectSubject(source, subject, standardRetry(), () => createStsClient(subject.region), subject.region);
}

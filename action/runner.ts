/**
 * The runner's side of the protocol, the little the action needs of it, written here rather than taken from
 * @actions/core (a dependency for four functions):
 * - outputs: `name<<DELIMITER`, the value, `DELIMITER` appended to the file named by GITHUB_OUTPUT;
 * - the job summary: markdown appended to the file named by GITHUB_STEP_SUMMARY;
 * - an annotation: the workflow command `::error title=<title>::<message>` on stdout, its data and properties
 *   escaped so that a multi-line reason stays one command.
 * Pure text; the entry (action/index.ts) writes it.
 */
import { randomUUID } from 'crypto';

/** A command's data: `%`, CR and LF escaped, as the runner unescapes them (@actions/core escapeData). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: as data, and `:` and `,` too, which separate properties (@actions/core escapeProperty). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** The line that makes an error annotation: `::error title=FAIL%3A ...::Git sync FAILED ...%0A...`. */
export function errorCommand(message: string, title: string): string {
  return `::error title=${escapeProperty(title)}::${escapeData(message)}`;
}

/**
 * One output as the GITHUB_OUTPUT file takes it, in the multi-line form (a reason has many lines). The delimiter is
 * random, so no value can end the record early; one that contains it anyway is refused.
 */
export function outputRecord(name: string, value: string, delimiter = `ghadelimiter_${randomUUID()}`): string {
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`The value of output ${name} contains its delimiter ${JSON.stringify(delimiter)}.`);
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/**
 * The runner's protocol as the action writes it (action/runner.ts), read back the way the runner reads it
 * (test/action/action-fixtures.ts): what could go wrong is a reason cut at its first line, a title cut at a colon,
 * or an output ended early by a value that holds the delimiter.
 */
import { errorCommand, outputRecord } from '../../action/runner';
import { cell, fenced } from '../../action/summary';
import { parseOutputFile, workflowCommands } from './action-fixtures';

describe('an error annotation', () => {
  it('stays one line, and the runner reads back the title and the message whole', () => {
    const title = 'FAIL: the gate would fail (SYNC_FAILED), at once';
    const message = 'line one: 100% sure\r\nline two, with %0A written out\nline three';
    const line = errorCommand(message, title);
    expect(line).not.toMatch(/[\r\n]/);
    expect(workflowCommands(line)).toEqual([{ command: 'error', properties: { title }, message, line }]);
  });
});

describe('an output record', () => {
  it('keeps a value of many lines whole', () => {
    const value = 'Git sync FAILED\n- event one\n- event two\n';
    expect(parseOutputFile(outputRecord('reason', value) + outputRecord('verdict', 'FAIL'))).toEqual({ reason: value, verdict: 'FAIL' });
  });

  it('uses a new delimiter each time, and refuses a value that holds it', () => {
    expect(outputRecord('a', 'x')).not.toBe(outputRecord('a', 'x'));
    expect(() => outputRecord('reason', 'before\nEOF\nafter', 'EOF')).toThrow('The value of output reason contains its delimiter "EOF".');
  });
});

describe('the job summary text', () => {
  it('keeps a table cell one cell: no column break, no HTML, lines as <br>', () => {
    expect(cell('a | b\n<script>&')).toBe('a \\| b<br>&lt;script&gt;&amp;');
  });

  it('fences a reason with more backticks than any run inside it', () => {
    expect(fenced('run `aws x` or ```y```')).toBe('````text\nrun `aws x` or ```y```\n````');
    expect(fenced('plain')).toBe('```text\nplain\n```');
  });
});

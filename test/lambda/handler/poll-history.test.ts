import { PollHistory } from '../../../lambda/handler/poll-history';

/** What the gate's poll does to a record: count itself (lambda/poll/poll.ts). */
function polled(history: PollHistory, id: string) {
  const record = history.recordOf(id);
  record.polls += 1;
  return record;
}

describe('PollHistory', () => {
  it('keeps the record of each request apart and forgets a request once it ended', () => {
    const history = new PollHistory();
    polled(history, 'a').failedPolls += 1;
    polled(history, 'a');
    polled(history, 'b');
    expect(polled(history, 'a')).toMatchObject({ polls: 3, failedPolls: 1 });
    expect(history.peek('a')).toBe(history.recordOf('a'));
    history.end('a');
    expect(history.peek('a')).toBeUndefined();
    expect(polled(history, 'a')).toMatchObject({ polls: 1, failedPolls: 0, stackCalls: 0 });
    expect(polled(history, 'b')).toMatchObject({ polls: 2 });
  });

  it('forgets the request used least recently when it holds too many', () => {
    const history = new PollHistory(2);
    polled(history, 'a');
    polled(history, 'b');
    polled(history, 'a'); // a is now the most recent
    polled(history, 'c'); // evicts b
    expect(polled(history, 'a').polls).toBe(3);
    expect(polled(history, 'b').polls).toBe(1);
  });
});

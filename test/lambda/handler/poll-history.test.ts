import { PollHistory } from '../../../lambda/handler/poll-history';

describe('PollHistory', () => {
  it('counts the polls of each request apart and forgets a request once it ended', () => {
    const history = new PollHistory();
    history.poll('a').failedPolls += 1;
    history.poll('a');
    history.poll('b');
    expect(history.poll('a')).toMatchObject({ polls: 3, failedPolls: 1 });
    history.end('a');
    expect(history.poll('a')).toMatchObject({ polls: 1, failedPolls: 0 });
    expect(history.poll('b')).toMatchObject({ polls: 2 });
  });

  it('forgets the request polled least recently when it holds too many', () => {
    const history = new PollHistory(2);
    history.poll('a');
    history.poll('b');
    history.poll('a'); // a is now the most recent
    history.poll('c'); // evicts b
    expect(history.poll('a').polls).toBe(3);
    expect(history.poll('b').polls).toBe(1);
  });
});

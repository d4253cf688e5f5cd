// The reference's election timer as a stream, with marble diagrams (RxJS TestScheduler):
// Figure 2, followers: "If election timeout elapses without receiving AppendEntries RPC from
// current leader or granting vote to candidate: convert to candidate".
import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { IncomingRequest } from 'distlab';
import { electionTimeouts$, type RaftCore } from './raft';

const timeoutMs = 300;

/** Just what electionTimeouts$ reads of a peer: its requests, granted votes, term, scheduler, randomness. */
function fakePeer(scheduler: TestScheduler, requests$: Subject<IncomingRequest>, currentTerm: number): RaftCore {
  const ctx = { requests$, scheduler, randomInt: () => timeoutMs };
  return { ctx, currentTerm, votesGranted$: new Subject<void>() } as unknown as RaftCore;
}

function request(method: string, term: number): IncomingRequest {
  return { from: '1', method, args: { term }, call: 1 };
}

describe('Raft reference: the election timer (marbles)', () => {
  it('fires every timeout when nothing arrives, and each leader AppendEntries pushes it back', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const requests$ = new Subject<IncomingRequest>();
      const peer = fakePeer(scheduler, requests$, 5);
      scheduler.schedule(() => requests$.next(request('AppendEntries', 5)), 100);
      scheduler.schedule(() => requests$.next(request('AppendEntries', 6)), 250);
      // Resets at 100 and 250: timeouts at 550, 850, ... (unsubscribed at 900).
      expectObservable(electionTimeouts$(peer), '^ 900ms !').toBe('550ms a 299ms b', { a: 0, b: 0 });
    });
  });

  it('is not reset by RequestVote, by a stale leader, or by any other RPC', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const requests$ = new Subject<IncomingRequest>();
      const peer = fakePeer(scheduler, requests$, 5);
      scheduler.schedule(() => requests$.next(request('RequestVote', 9)), 100);
      scheduler.schedule(() => requests$.next(request('AppendEntries', 4)), 200);
      expectObservable(electionTimeouts$(peer), '^ 400ms !').toBe('300ms a', { a: 0 });
    });
  });

  it('is reset by a vote we grant', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ expectObservable }) => {
      const peer = fakePeer(scheduler, new Subject<IncomingRequest>(), 5);
      scheduler.schedule(() => peer.votesGranted$.next(), 200);
      expectObservable(electionTimeouts$(peer), '^ 600ms !').toBe('500ms a', { a: 0 });
    });
  });
});

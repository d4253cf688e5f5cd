/** The grader's channel framing (grading/grader/frames.ts): any byte stream, never a throw. */
import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader } from './grader/frames';

describe('frames', () => {
  it('reassembles frames split across chunks at every byte, and several in one chunk', () => {
    const bytes = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame(['two', 2]), encodeFrame('three')]);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const reader = new FrameReader(1024);
      const first = reader.push(bytes.subarray(0, cut));
      const second = reader.push(bytes.subarray(cut));
      expect([...(first as unknown[]), ...(second as unknown[])]).toEqual([{ a: 1 }, ['two', 2], 'three']);
      expect(reader.remainder).toBe(0);
    }
  });

  it('refuses a length over the limit before buffering it, and stays broken', () => {
    const reader = new FrameReader(1024);
    expect(reader.push(Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]))).toEqual({ problem: 'a frame announcing 4294967280 bytes (at most 1024 are accepted)' });
    expect(reader.push(encodeFrame({ fine: true }))).toEqual({ problem: expect.stringMatching(/announcing/) });
  });

  it('refuses a frame that is not JSON; a cut frame is a remainder, not a frame', () => {
    const body = Buffer.from('{"body": nope');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    expect(new FrameReader(1024).push(Buffer.concat([header, body]))).toEqual({ problem: 'a frame that is not JSON' });
    const cut = new FrameReader(1024);
    expect(cut.push(encodeFrame({ long: 'x'.repeat(100) }).subarray(0, 50))).toEqual([]);
    expect(cut.remainder).toBe(50);
  });

  it('survives random garbage without throwing', () => {
    let state = 7;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const reader = new FrameReader(4096);
      const garbage = Buffer.from(Array.from({ length: next() % 300 }, () => next() % 256));
      expect(() => reader.push(garbage)).not.toThrow();
    }
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLocalMedia } from './media';

const OPTIONS = { originalSound: false };

function stubGetUserMedia(impl: (c: MediaStreamConstraints) => Promise<MediaStream>) {
  const getUserMedia = vi.fn(impl);
  vi.stubGlobal('navigator', { ...navigator, mediaDevices: { getUserMedia } });
  return getUserMedia;
}

describe('openLocalMedia', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('joins with the microphone alone when there is no camera', async () => {
    const audioOnly = { id: 'audio-only' } as unknown as MediaStream;
    const getUserMedia = stubGetUserMedia(async (c) => {
      if (c.video) throw new DOMException('no camera', 'NotFoundError');
      return audioOnly;
    });
    await expect(openLocalMedia(OPTIONS)).resolves.toBe(audioOnly);
    expect(getUserMedia).toHaveBeenCalledTimes(2);
    expect(getUserMedia.mock.calls[1][0].video).toBeUndefined();
  });

  it('does not fall back when access was denied', async () => {
    const getUserMedia = stubGetUserMedia(async () => {
      throw new DOMException('denied', 'NotAllowedError');
    });
    await expect(openLocalMedia(OPTIONS)).rejects.toMatchObject({ name: 'NotAllowedError' });
    expect(getUserMedia).toHaveBeenCalledTimes(1);
  });

  it('reports the camera error when the microphone fails too', async () => {
    stubGetUserMedia(async (c) => {
      throw new DOMException(c.video ? 'no camera' : 'no microphone', 'NotFoundError');
    });
    await expect(openLocalMedia(OPTIONS)).rejects.toMatchObject({ message: 'no camera' });
  });
});

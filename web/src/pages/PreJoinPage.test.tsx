import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocalMedia } from '../hooks/useLocalMedia';
import PreJoinPage from './PreJoinPage';

const media = (over: Partial<LocalMedia> = {}): LocalMedia => ({
  stream: new MediaStream(),
  opening: false,
  error: null,
  devices: { cameras: [], microphones: [] },
  retry: vi.fn(),
  ...over,
});

// A page on localhost in a browser with cameras: the usual case.
beforeEach(() => {
  vi.stubGlobal('isSecureContext', true);
  vi.stubGlobal('navigator', { ...navigator, mediaDevices: { getUserMedia: vi.fn() } });
});
afterEach(() => vi.unstubAllGlobals());

function renderPage(over: Partial<Parameters<typeof PreJoinPage>[0]> = {}) {
  const onJoin = vi.fn();
  render(
    <PreJoinPage
      guest={false}
      viewerOnly={false}
      room="team-1"
      onRoomChange={vi.fn()}
      roomName="Team"
      name=""
      onNameChange={vi.fn()}
      viewer={false}
      onViewerChange={vi.fn()}
      media={media()}
      choice={{ cameraId: '', microphoneId: '', originalSound: false, micOn: true, cameraOn: true }}
      onChoiceChange={vi.fn()}
      error={null}
      info={null}
      onJoin={onJoin}
      {...over}
    />,
  );
  return onJoin;
}

describe('PreJoinPage', () => {
  it('asks for a name before joining', async () => {
    const onJoin = renderPage();
    await userEvent.click(screen.getByTestId('join'));
    expect(screen.getByText('Enter your name')).toBeTruthy();
    expect(onJoin).not.toHaveBeenCalled();
  });

  it('points out a bad room id as it is typed', () => {
    renderPage({ room: 'team 1' });
    expect(screen.getByText(/not space/)).toBeTruthy();
  });

  it('explains a denied camera and offers watching instead', () => {
    renderPage({
      name: 'Ana',
      media: media({ stream: null, error: 'Camera or microphone access was denied.' }),
    });
    expect(screen.getByRole('alert').textContent).toMatch(/denied.*Watch only/);
    expect(screen.getByTestId('join').hasAttribute('disabled')).toBe(true);
  });

  it('says that a camera needs https:// on an insecure page', () => {
    vi.stubGlobal('isSecureContext', false);
    renderPage({ name: 'Ana', media: media({ stream: null, error: 'x' }) });
    expect(screen.getByRole('alert').textContent).toMatch(/https:\/\/.*localhost/);
  });

  it('lets a viewer join without a camera', async () => {
    const onJoin = renderPage({ name: 'Ana', viewer: true, media: media({ stream: null }) });
    expect(screen.getByTestId('join').textContent).toBe('Watch');
    await userEvent.click(screen.getByTestId('join'));
    expect(onJoin).toHaveBeenCalled();
  });
});

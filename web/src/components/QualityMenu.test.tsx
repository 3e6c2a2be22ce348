import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Rendition } from '../api/protocol';
import QualityMenu from './QualityMenu';

const LADDER: Rendition[] = [
  { name: 'high', width: 1280, height: 720 },
  { name: 'medium', width: 640, height: 360 },
  { name: 'low', width: 320, height: 180 },
];

describe('QualityMenu', () => {
  it('is not there when the server offers no renditions', () => {
    render(<QualityMenu renditions={null} current={null} choice="auto" onChoose={vi.fn()} />);
    expect(screen.queryByTestId('quality-menu')).toBeNull();
  });

  it('shows Auto with the size the server picked, and pins the size chosen', async () => {
    const onChoose = vi.fn();
    render(
      <QualityMenu
        renditions={LADDER}
        current={{ name: 'medium', width: 640, height: 360, pinned: false }}
        choice="auto"
        onChoose={onChoose}
      />,
    );
    expect(screen.getByTestId('quality-menu').textContent).toBe('Auto · 360p');
    await userEvent.click(screen.getByTestId('quality-menu'));
    const items = screen.getAllByRole('menuitemradio');
    expect(items.map((i) => i.textContent)).toEqual([
      'AutoBy what the connection carries',
      '720p1280×720',
      '360p640×360',
      '180p320×180',
    ]);
    expect(items[0].getAttribute('aria-checked')).toBe('true');
    await userEvent.click(screen.getByRole('menuitemradio', { name: /720p/ }));
    expect(onChoose).toHaveBeenCalledWith('high');
  });

  it('goes back to Auto, and does not resend the choice already made', async () => {
    const onChoose = vi.fn();
    render(
      <QualityMenu renditions={LADDER} current={{ name: 'low', width: 320, height: 180, pinned: true }} choice="low" onChoose={onChoose} />,
    );
    expect(screen.getByTestId('quality-menu').textContent).toBe('180p');
    await userEvent.click(screen.getByTestId('quality-menu'));
    await userEvent.click(screen.getByRole('menuitemradio', { name: /180p/ }));
    expect(onChoose).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId('quality-menu'));
    await userEvent.click(screen.getByRole('menuitemradio', { name: /Auto/ }));
    expect(onChoose).toHaveBeenCalledWith('auto');
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BUILT_IN_LAYOUTS } from '../lib/layouts';
import LayoutMenu from './LayoutMenu';

describe('LayoutMenu', () => {
  it('names the current layout, lists every layout and sends the one chosen', async () => {
    const onChoose = vi.fn();
    const layouts = [...BUILT_IN_LAYOUTS, { name: 'two_up', description: 'Two side by side', builtIn: false }];
    render(<LayoutMenu layouts={layouts} current="speaker" onChoose={onChoose} />);
    expect(screen.getByTestId('layout-menu').textContent).toBe('Speaker');
    await userEvent.click(screen.getByTestId('layout-menu'));
    const items = screen.getAllByRole('menuitemradio');
    expect(items.map((i) => i.getAttribute('data-testid'))).toEqual([
      'layout-grid',
      'layout-speaker',
      'layout-presenter',
      'layout-pip',
      'layout-single',
      'layout-two_up',
    ]);
    expect(screen.getByTestId('layout-speaker').getAttribute('aria-checked')).toBe('true');
    expect(screen.getByTestId('layout-two_up').textContent).toContain('two_up');
    await userEvent.click(screen.getByTestId('layout-pip'));
    expect(onChoose).toHaveBeenCalledWith('pip');
  });

  it('does not send the layout the room already has', async () => {
    const onChoose = vi.fn();
    render(<LayoutMenu layouts={BUILT_IN_LAYOUTS} current="grid" onChoose={onChoose} />);
    await userEvent.click(screen.getByTestId('layout-menu'));
    await userEvent.click(screen.getByTestId('layout-grid'));
    expect(onChoose).not.toHaveBeenCalled();
  });
});

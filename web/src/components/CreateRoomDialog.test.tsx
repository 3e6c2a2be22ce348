import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import CreateRoomDialog from './CreateRoomDialog';

describe('CreateRoomDialog', () => {
  it('refuses a blank name and an out-of-range limit, saying why', async () => {
    const onCreate = vi.fn();
    render(<CreateRoomDialog open onClose={vi.fn()} onCreate={onCreate} />);
    await userEvent.clear(screen.getByLabelText(/Max participants/));
    await userEvent.type(screen.getByLabelText(/Max participants/), '40');
    await userEvent.click(screen.getByTestId('create-room'));
    expect(screen.getByText('Enter a name for the room')).toBeTruthy();
    expect(screen.getByText('From 1 to 25')).toBeTruthy();
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('sends every setting', async () => {
    const onCreate = vi.fn().mockResolvedValue(null);
    render(<CreateRoomDialog open onClose={vi.fn()} onCreate={onCreate} />);
    await userEvent.type(screen.getByLabelText(/Room name/), '  Weekly standup ');
    await userEvent.clear(screen.getByLabelText(/Max participants/));
    await userEvent.type(screen.getByLabelText(/Max participants/), '8');
    await userEvent.click(screen.getByLabelText('Presenter'));
    await userEvent.click(screen.getByLabelText('Record automatically'));
    await userEvent.click(screen.getByLabelText('Listed'));
    expect(screen.getByText(/people with an invite link/)).toBeTruthy();
    await userEvent.click(screen.getByTestId('create-room'));
    expect(onCreate).toHaveBeenCalledWith({
      name: 'Weekly standup',
      maxParticipants: 8,
      layout: 'presenter',
      autoRecord: true,
      listed: false,
    });
  });

  it('shows the server refusal and keeps what was typed', async () => {
    const onCreate = vi.fn().mockResolvedValue('Your account may not create rooms.');
    render(<CreateRoomDialog open onClose={vi.fn()} onCreate={onCreate} />);
    await userEvent.type(screen.getByLabelText(/Room name/), 'Standup');
    await userEvent.click(screen.getByTestId('create-room'));
    expect((await screen.findByRole('alert')).textContent).toBe('Your account may not create rooms.');
    expect((screen.getByLabelText(/Room name/) as HTMLInputElement).value).toBe('Standup');
  });
});

import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/http';
import SignInPage from './SignInPage';

describe('SignInPage', () => {
  it('names the empty fields instead of sending the form', async () => {
    const onSignIn = vi.fn();
    render(<SignInPage notice={null} onSignIn={onSignIn} onRegister={vi.fn()} />);
    await userEvent.click(screen.getByTestId('sign-in'));
    expect(screen.getByText('Enter your user name')).toBeTruthy();
    expect(screen.getByText('Enter your password')).toBeTruthy();
    expect(onSignIn).not.toHaveBeenCalled();
  });

  it('says what is wrong with a new account before asking the server', async () => {
    const onRegister = vi.fn();
    render(<SignInPage notice={null} onSignIn={vi.fn()} onRegister={onRegister} />);
    await userEvent.click(screen.getByTestId('mode-register'));
    await userEvent.type(screen.getByLabelText(/User name/), 'ana maria');
    await userEvent.type(screen.getByLabelText(/Password/), 'short');
    await userEvent.click(screen.getByTestId('register'));
    expect(screen.getByText(/not space/)).toBeTruthy();
    expect(screen.getByText(/At least 8 characters/)).toBeTruthy();
    expect(onRegister).not.toHaveBeenCalled();
  });

  it('turns a refused sign-in into "wrong user name or password"', async () => {
    const onSignIn = vi.fn().mockRejectedValue(new ApiError(401, 'unauthorized', 'invalid credentials'));
    render(<SignInPage notice={null} onSignIn={onSignIn} onRegister={vi.fn()} />);
    await userEvent.type(screen.getByLabelText(/User name/), 'ana');
    await userEvent.type(screen.getByLabelText(/Password/), 'not-the-password');
    await userEvent.click(screen.getByTestId('sign-in'));
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong user name or password.');
    expect(onSignIn).toHaveBeenCalledWith('ana', 'not-the-password');
  });

  it('reports a server that cannot be reached', async () => {
    const onSignIn = vi.fn().mockRejectedValue(new ApiError(0, 'network', 'x'));
    render(<SignInPage notice={null} onSignIn={onSignIn} onRegister={vi.fn()} />);
    await userEvent.type(screen.getByLabelText(/User name/), 'ana');
    await userEvent.type(screen.getByLabelText(/Password/), 'whatever-pass');
    await userEvent.click(screen.getByTestId('sign-in'));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Cannot reach the server/);
  });
});

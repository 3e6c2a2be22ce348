import { useState } from 'react';

/**
 * An action that waits for a yes in a ConfirmDialog: `ask(item)` opens it,
 * and `dialog` is spread onto the dialog, which shows busy while `act` runs
 * and closes when it is done, whatever the outcome.
 */
export function useConfirmation<T>(act: (target: T) => Promise<void>) {
  const [target, setTarget] = useState<T | null>(null);
  const [busy, setBusy] = useState(false);
  const cancel = () => setTarget(null);
  const confirm = async () => {
    if (target === null) return;
    setBusy(true);
    await act(target);
    setBusy(false);
    setTarget(null);
  };
  return { target, ask: setTarget, dialog: { open: target !== null, busy, onConfirm: confirm, onCancel: cancel } };
}

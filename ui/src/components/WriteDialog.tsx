import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef } from 'react';
import { ApiError } from '../api/client';
import { ErrorNotice } from './ErrorNotice';

const asApiError = (error: unknown) => (error instanceof ApiError ? error : new ApiError('ERROR', String(error)));

/**
 * A write, asked in two steps: the dry run's report first, then the change only when the user
 * confirms it. A native modal <dialog>: focus moves into it and stays there; Escape cancels.
 */
export function WriteDialog<Report>({
  title,
  dryRun,
  describe,
  confirmLabel,
  run,
  onClose,
  onDone,
  form,
}: {
  title: string;
  /** Asks the gateway what the write would do; undefined while the form is not filled in. */
  dryRun: (() => Promise<Report>) | undefined;
  describe: (report: Report) => ReactNode;
  confirmLabel: string;
  run: () => Promise<unknown>;
  onClose: () => void;
  onDone: () => void;
  /** Inputs the write needs before its dry run (a tag name, a repository), and a key that changes with them. */
  form?: { fields: ReactNode; key: string };
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  // The variables of a check are the form's key: a report is shown only for the inputs it was made for.
  const check = useMutation({ mutationFn: (_formKey: string) => dryRun!() });
  const apply = useMutation({
    mutationFn: run,
    onSuccess: () => {
      onDone();
      dialog.current?.close();
    },
  });
  const formKey = form?.key ?? '';
  const report = check.isSuccess && check.variables === formKey ? check.data : undefined;
  const needsForm = form !== undefined;
  const { mutate: startCheck } = check;

  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
    // Without a form, the dry run starts at once.
    if (!needsForm) startCheck('');
  }, [needsForm, startCheck]);

  const busy = check.isPending || apply.isPending;
  const error = apply.error ?? (check.variables === formKey ? check.error : null);
  return (
    <dialog ref={dialog} className="write" aria-labelledby="write-title" onClose={onClose}>
      <h2 id="write-title">{title}</h2>
      {form && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (dryRun) check.mutate(formKey);
          }}
        >
          {form.fields}
          <button type="submit" disabled={busy || !dryRun}>
            Check what would change
          </button>
        </form>
      )}
      {busy && <p aria-live="polite">Asking the gateway…</p>}
      {report !== undefined && (
        <div className="report" aria-live="polite">
          <h3>Dry run</h3>
          {describe(report)}
        </div>
      )}
      {error && <ErrorNotice error={asApiError(error)} />}
      <div className="actions">
        <button type="button" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy || report === undefined} onClick={() => apply.mutate()}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

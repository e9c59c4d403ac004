import type { ApiError } from '../api/client';
import { explain } from '../model/errors';

/** An error as the user reads it: what went wrong in words, the API's code, and the gateway's message. */
export function ErrorNotice({ error, title = 'That did not work' }: { error: ApiError; title?: string }) {
  return (
    <div className="error" role="alert">
      <strong>{title}:</strong> {explain(error.code)}{' '}
      <span className="detail">
        ({error.code}: {error.message})
      </span>
    </div>
  );
}

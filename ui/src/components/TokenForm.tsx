import { type FormEvent, useEffect, useState } from 'react';
import { onTokenChange, readToken, writeToken } from '../api/token';

/** Where the user enters an access token for writes (or for reads, when the gateway requires one); kept for this tab only. */
export function TokenForm() {
  const [hasToken, setHasToken] = useState(() => readToken() !== null);
  const [draft, setDraft] = useState('');
  useEffect(() => onTokenChange(() => setHasToken(readToken() !== null)), []);

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim()) writeToken(draft.trim());
    setDraft('');
  };

  if (hasToken) {
    return (
      <div className="token">
        <span>Access token set (this tab only)</span>
        <button type="button" onClick={() => writeToken(null)}>
          Forget token
        </button>
      </div>
    );
  }
  return (
    <form className="token" onSubmit={save}>
      <label htmlFor="token">Access token</label>
      <input id="token" type="password" autoComplete="off" value={draft} onChange={(event) => setDraft(event.target.value)} />
      <button type="submit">Use token</button>
    </form>
  );
}

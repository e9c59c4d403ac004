import { useState } from 'react';
import { shortDigest } from '../model/format';

/** A digest shown short (12 hex characters), with the whole of it a click away: copied, and in the tooltip. */
export function Digest({ digest }: { digest: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard?.writeText(digest).catch(() => undefined);
    setCopied(true);
    setTimeout(() => setCopied(false), 1500);
  };
  return (
    <span className="digest" data-digest={digest}>
      <code title={digest}>{shortDigest(digest)}</code>
      <button type="button" className="copy" onClick={copy} aria-label={`Copy digest ${digest}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

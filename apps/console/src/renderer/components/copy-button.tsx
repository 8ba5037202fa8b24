import { useState } from 'react';

/** Copies text with the Clipboard API and says whether it worked. */
export function CopyButton(props: { text: string; label: string }) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
  };
  return (
    <span className="copy">
      <button type="button" className="button button-small" onClick={() => void onCopy()}>
        {props.label}
      </button>
      <span className="copy-status" role="status">
        {status === 'copied' ? 'Copied to the clipboard' : status === 'failed' ? 'Copying failed: select the text and copy it' : ''}
      </span>
    </span>
  );
}

import type { TRotationMode, TSigningKeyList } from '@dex/shared/admin-api';
import { useState } from 'react';
import { Dialog } from '../../components/dialog.tsx';
import { CheckboxField } from '../../components/field.tsx';
import { formatRelative } from '../../components/format.ts';
import { InlineError } from '../../components/states.tsx';
import { formatInstant } from './format-instant.ts';
import { describeRotation, planRotation } from './key-rotation.ts';

const MODES: readonly { mode: TRotationMode; label: string; hint: string }[] = [
  {
    mode: 'publish-first',
    label: 'Publish first (recommended)',
    hint: 'For a drill, a policy or a suspicion: every worker and relying party knows the new key before any token carries it, and tokens signed by the current key keep verifying.',
  },
  {
    mode: 'immediate',
    label: 'Immediate — the key leaked',
    hint: 'Every key leaves the JWKS at once and a fresh key signs at once.',
  },
];

/**
 * "Rotate now": the admin chooses publish-first or immediate (which needs an explicit extra
 * confirmation), and reads what will happen in the sentence the toast repeats afterwards.
 */
export function RotateKeysDialog(props: {
  list: TSigningKeyList;
  now: number;
  isPending: boolean;
  error: unknown;
  onConfirm: (mode: TRotationMode) => void;
  onClose: () => void;
}) {
  const [mode, setMode] = useState<TRotationMode>('publish-first');
  const [isLeakConfirmed, setLeakConfirmed] = useState(false);
  const plan = describeRotation(planRotation(props.list, mode, props.now), {
    now: props.now,
    formatTime: formatInstant,
    formatRelative,
  });
  const canConfirm = !props.isPending && (mode === 'publish-first' || isLeakConfirmed);

  return (
    <Dialog title="Rotate signing keys" onClose={props.onClose} size="wide">
      <form
        className="form"
        aria-label="Rotate signing keys"
        onSubmit={(event) => {
          event.preventDefault();
          if (canConfirm) props.onConfirm(mode);
        }}
      >
        <fieldset className="choice-group">
          <legend>How to rotate</legend>
          {MODES.map((choice) => (
            <div key={choice.mode} className="field field-checkbox">
              <input
                id={`rotation-${choice.mode}`}
                type="radio"
                name="rotation-mode"
                value={choice.mode}
                checked={mode === choice.mode}
                onChange={() => setMode(choice.mode)}
                aria-describedby={`rotation-${choice.mode}-hint`}
              />
              <label htmlFor={`rotation-${choice.mode}`}>{choice.label}</label>
              <p id={`rotation-${choice.mode}-hint`} className="field-hint">
                {choice.hint}
              </p>
            </div>
          ))}
        </fieldset>
        <p className="rotation-plan" data-testid="rotation-plan" aria-live="polite">
          {plan}
        </p>
        {mode === 'immediate' && (
          <CheckboxField
            label="I understand: tokens signed by the withdrawn keys stop verifying at once"
            checked={isLeakConfirmed}
            onChange={setLeakConfirmed}
            hint="Users may have to log in again, and relying parties must refetch the JWKS."
          />
        )}
        <InlineError error={props.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className={`button ${mode === 'immediate' ? 'button-danger' : 'button-primary'}`} disabled={!canConfirm}>
            {props.isPending ? 'Working…' : mode === 'immediate' ? 'Rotate immediately' : 'Rotate now'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

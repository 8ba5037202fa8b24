import { MASKED_SECRET, type TConnector, type TConnectorProblem } from '@dex/shared/admin-api';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useBridge } from '../../app/bridge-context.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { CheckboxField, Field } from '../../components/field.tsx';
import { InlineError } from '../../components/states.tsx';
import { useDebounced } from '../../components/use-debounced.ts';
import { useFieldVisits, useFocusFirstInvalid } from '../../components/use-field-visits.ts';
import {
  CONNECTOR_FORMS,
  CONNECTOR_TYPE_LABELS,
  CONNECTOR_TYPES,
  type ConnectorConfig,
  type FieldSpec,
  fieldText,
  patchOf,
  withField,
} from './connector-fields.ts';
import { ConnectionTestSteps, saveWarning, type TestedConfig } from './connection-test.tsx';
import { connectorQueries, useTestConnector } from './queries.ts';

/** How long the form waits after the last keystroke before asking the overlord to validate. */
export const VALIDATE_DELAY_MS = 300;

export interface ConnectorFormProps {
  /** The connector to edit; a new one when undefined. */
  connector?: TConnector;
  isPending: boolean;
  error: unknown;
  /** A new connector: its whole config. An edit: the PATCH (changed fields, null for removed ones). */
  onSubmit: (body: Record<string, unknown>) => void;
  onClose: () => void;
  /** The types a new connector may have (default: all served types); see offeredConnectorTypes. */
  offeredTypes?: readonly string[];
}

function parseConfigJson(text: string): { config: ConnectorConfig } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'The config must be one JSON object.' };
  const config = value as Record<string, unknown>;
  if (typeof config.type !== 'string') return { problem: 'The config needs a "type" (a string).' };
  if (typeof config.id !== 'string') return { problem: 'The config needs an "id" (a string).' };
  return { config: config as ConnectorConfig };
}

/** The legends of a form's fieldsets, in the order they are shown. */
const SECTION_ORDER = ['Connection', 'TLS', 'Search', 'Attributes', 'Groups'];

/** A form's fields grouped by section: the ungrouped ones first, then each fieldset. */
function sectionsOf(fields: readonly FieldSpec[]): { legend: string | undefined; specs: FieldSpec[] }[] {
  const rank = (legend: string | undefined) => (legend === undefined ? -1 : SECTION_ORDER.indexOf(legend));
  const legends = [...new Set(fields.map((spec) => spec.section))].sort((a, b) => rank(a) - rank(b));
  return legends.map((legend) => ({ legend, specs: fields.filter((spec) => spec.section === legend) }));
}

/**
 * Problems under each top-level field, worded with the field's label ("Host is required", never
 * `host`), and the rest.
 */
function groupProblems(
  problems: readonly TConnectorProblem[],
  shownFields: ReadonlyMap<string, string>,
): { byField: Map<string, string>; other: TConnectorProblem[] } {
  const byField = new Map<string, string>();
  const other: TConnectorProblem[] = [];
  for (const problem of problems) {
    const field = problem.path.split('.')[0] ?? '';
    const label = shownFields.get(field);
    if (label !== undefined && !byField.has(field)) byField.set(field, `${label} ${problem.message}`);
    else other.push(problem);
  }
  return { byField, other };
}

/** The pseudo-field of the JSON view (its textarea), for "was it touched". */
const JSON_FIELD = '#json';

/**
 * Create or edit a connector: a form per type, a raw JSON view of the same config, and the
 * overlord's validation as you type. A field's problem shows once the field was left (blurred)
 * or the form submitted, never while it is first filled in; each problem is said once, at its
 * field, and only problems no field shows are listed below the form. Saving a config the
 * overlord refuses stays in the form and moves the focus to the first field to fix. Secrets
 * are write-only: a stored one shows as empty and is kept unless replaced.
 */
export function ConnectorFormDialog(props: ConnectorFormProps) {
  const bridge = useBridge();
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const isNew = props.connector === undefined;
  const original = props.connector?.config as ConnectorConfig | undefined;
  const offeredTypes: readonly string[] = props.offeredTypes ?? CONNECTOR_TYPES;
  const [config, setConfig] = useState<ConnectorConfig>(() => original ?? { type: offeredTypes[0] ?? 'oidc', id: '' });
  const [view, setView] = useState<'form' | 'json'>('form');
  const [jsonText, setJsonText] = useState('');
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const [isTouched, setTouched] = useState(!isNew);
  const typeSelectId = useId();
  const testConnector = useTestConnector();
  const [tested, setTested] = useState<TestedConfig | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  /** The config last sent: the server's error belongs to it and goes stale once the config changes. */
  const [submitted, setSubmitted] = useState<ConnectorConfig | null>(null);
  const visits = useFieldVisits();
  const { isShown } = visits;
  const focusFirstInvalid = useFocusFirstInvalid(formRef);

  const draft = useDebounced(config, VALIDATE_DELAY_MS);
  const validation = useQuery({ ...connectorQueries.validation(bridge, draft), enabled: isTouched });
  const problems = validation.data?.valid === false ? validation.data.errors : [];
  const isChecking = isTouched && (validation.isFetching || draft !== config);
  const fields = CONNECTOR_FORMS[config.type];
  const { byField, other } = groupProblems(
    problems,
    new Map([['id', 'ID'], ...(fields ?? []).map((spec): [string, string] => [spec.name, spec.label])]),
  );

  const formFields = new Set(['id', ...(fields ?? []).map((spec) => spec.name)]);
  // Problems of a form field wait for that field; the others (fields only the JSON view has) for any field or a save.
  const shownOther = other.filter((problem) => {
    const field = problem.path.split('.')[0] ?? '';
    return formFields.has(field) ? isShown(field) : visits.isSubmitAttempted || visits.hasLeftAny;
  });
  const shownProblems = view === 'json' ? (isShown(JSON_FIELD) ? problems : []) : shownOther;
  const hasShownFieldError = [...byField.keys()].some(isShown);

  const update = (next: ConnectorConfig) => {
    setTouched(true);
    setWarning(null);
    setConfig(next);
  };

  const onTest = () => {
    const tried = config;
    testConnector.mutate(tried, { onSuccess: (result) => setTested({ config: tried, result }) });
  };

  const showJson = () => {
    setJsonText(JSON.stringify(config, null, 2));
    setJsonProblem(null);
    setView('json');
  };

  const onJsonChange = (text: string) => {
    setJsonText(text);
    const parsed = parseConfigJson(text);
    if ('problem' in parsed) {
      setJsonProblem(parsed.problem);
      return;
    }
    if (!isNew && original !== undefined && (parsed.config.id !== original.id || parsed.config.type !== original.type)) {
      setJsonProblem('The id and type of an existing connector cannot change: add a new connector instead.');
      return;
    }
    setJsonProblem(null);
    update(parsed.config);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    visits.submitted();
    if (jsonProblem !== null && view === 'json') return;
    const sending = config;
    // The overlord's word on exactly this config (the one shown may lag behind the last keystroke):
    // a refused config stays here with its problems at the fields, instead of coming back as a second copy from the save.
    const verdict = await queryClient.fetchQuery(connectorQueries.validation(bridge, sending)).catch(() => null);
    if (verdict?.valid === false) {
      if (view === 'form') focusFirstInvalid();
      return;
    }
    const why = saveWarning(tested, sending);
    if (why !== null && warning === null) {
      setWarning(why);
      return;
    }
    setWarning(null);
    setSubmitted(sending);
    props.onSubmit(isNew || original === undefined ? sending : patchOf(original, sending));
  };

  const fieldError = (name: string) => (isTouched && isShown(name) ? byField.get(name) : undefined);

  return (
    <Dialog title={isNew ? 'New connector' : `Edit connector ${props.connector?.id}`} onClose={props.onClose} size="wide">
      <form
        ref={formRef}
        className="form"
        onSubmit={(event) => void onSubmit(event)}
        noValidate
        aria-label={isNew ? 'New connector' : 'Edit connector'}
      >
        <fieldset className="segmented">
          <legend className="visually-hidden">Editor</legend>
          <button
            type="button"
            className="segment"
            aria-pressed={view === 'form'}
            onClick={() => setView('form')}
            disabled={jsonProblem !== null}
          >
            Form
          </button>
          <button type="button" className="segment" aria-pressed={view === 'json'} onClick={showJson}>
            JSON
          </button>
        </fieldset>

        {view === 'form' && (
          <>
            <div className="form-grid">
              <div className="field">
                <label htmlFor={typeSelectId}>Type</label>
                <select
                  id={typeSelectId}
                  value={config.type}
                  disabled={!isNew}
                  onChange={(event) => update({ type: event.target.value, id: config.id })}
                >
                  {offeredTypes.includes(config.type) ? null : <option value={config.type}>{config.type}</option>}
                  {offeredTypes.map((type) => (
                    <option key={type} value={type}>
                      {CONNECTOR_TYPE_LABELS[type]}
                    </option>
                  ))}
                </select>
              </div>
              <Field
                label="ID"
                isRequired
                hint={isNew ? 'In URLs and in users’ linked identities; it cannot change later.' : 'Cannot change.'}
                error={fieldError('id')}
              >
                {({ id, describedBy, isInvalid }) => (
                  <input
                    id={id}
                    value={config.id}
                    readOnly={!isNew}
                    required
                    spellCheck={false}
                    onChange={(event) => update({ ...config, id: event.target.value })}
                    onBlur={() => visits.leave('id')}
                    aria-describedby={describedBy}
                    aria-invalid={isInvalid}
                  />
                )}
              </Field>
            </div>
            {fields === undefined ? (
              <p className="callout">This connector type has no form: edit it in the JSON view.</p>
            ) : fields.length === 0 ? (
              <p className="muted">The local connector has no settings: users log in with the email and password stored in dex.</p>
            ) : (
              sectionsOf(fields).map(({ legend, specs }) => {
                const grid = (
                  <div key="fields" className="form-grid">
                    {specs.map((spec) => (
                      <ConfigField
                        key={spec.name}
                        spec={spec}
                        value={config[spec.name]}
                        isStored={original?.[spec.name] === MASKED_SECRET}
                        error={fieldError(spec.name)}
                        onChange={(input) => update(withField(config, spec, input, original))}
                        onBlur={() => visits.leave(spec.name)}
                      />
                    ))}
                  </div>
                );
                return legend === undefined ? (
                  <div key="">{grid}</div>
                ) : (
                  <fieldset key={legend}>
                    <legend>{legend}</legend>
                    {grid}
                  </fieldset>
                );
              })
            )}
            {fields !== undefined && fields.length > 0 && (
              <p className="field-hint">
                Other fields of this type (such as an oidc connector’s claimMapping) are edited in the JSON view.
              </p>
            )}
          </>
        )}

        {view === 'json' && (
          <Field
            label="Config (JSON)"
            hint="dex v0's connector config. Secrets read back as ******** and keep their stored value."
            error={isShown(JSON_FIELD) ? (jsonProblem ?? undefined) : undefined}
          >
            {({ id, describedBy, isInvalid }) => (
              <textarea
                id={id}
                rows={14}
                className="mono code-editor"
                spellCheck={false}
                value={jsonText}
                onChange={(event) => onJsonChange(event.target.value)}
                onBlur={() => visits.leave(JSON_FIELD)}
                aria-describedby={describedBy}
                aria-invalid={isInvalid}
              />
            )}
          </Field>
        )}

        <div className="validation" aria-live="polite">
          {!isTouched ? null : isChecking ? (
            <p className="muted">Checking…</p>
          ) : validation.isError ? (
            <p className="muted">The overlord could not check this config: {validation.error.message}</p>
          ) : validation.data?.valid === true ? (
            <p className="valid">✓ The overlord accepts this config.</p>
          ) : shownProblems.length > 0 || (view === 'form' && hasShownFieldError) ? (
            <div className="callout callout-error">
              <p>The overlord would refuse this config:</p>
              <ul>
                {shownProblems.map((problem) => (
                  <li key={`${problem.path}:${problem.message}`}>
                    {problem.path === '' ? '' : <code>{problem.path}</code>} {problem.message}
                  </li>
                ))}
                {view === 'form' && hasShownFieldError && <li>See the fields marked above.</li>}
              </ul>
            </div>
          ) : problems.length > 0 ? (
            <p className="muted">Some fields still need a value or a fix.</p>
          ) : null}
        </div>

        <ConnectionTestSteps tested={tested} error={testConnector.error} isPending={testConnector.isPending} />
        {warning !== null && (
          <div className="callout callout-warning" role="alert">
            <p>{warning} Saving may break sign-in through this connector. Press “Save anyway” to save it as it is.</p>
          </div>
        )}
        <InlineError error={submitted === config ? props.error : null} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onTest} disabled={testConnector.isPending}>
            Test connection
          </button>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={props.isPending}>
            {props.isPending ? 'Saving…' : warning !== null ? 'Save anyway' : isNew ? 'Add connector' : 'Save changes'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function ConfigField(props: {
  spec: FieldSpec;
  value: unknown;
  isStored: boolean;
  error: string | undefined;
  onChange: (input: string | boolean) => void;
  /** The field was left: its problems may show from now on. */
  onBlur: () => void;
}) {
  const { spec } = props;
  // A list is typed as text: keep what was typed (a trailing space) rather than re-deriving it from the parsed list.
  const [listText, setListText] = useState(() => fieldText(spec, props.value));
  if (spec.kind === 'boolean') {
    return (
      <div>
        <CheckboxField
          label={spec.label}
          checked={props.value === true}
          onChange={props.onChange}
          onBlur={props.onBlur}
          {...(spec.hint === undefined ? {} : { hint: spec.hint })}
        />
        {props.error !== undefined && (
          <p className="field-error" role="alert">
            {props.error}
          </p>
        )}
      </div>
    );
  }
  const hint = spec.kind === 'secret' && props.isStored ? 'A secret is stored: leave empty to keep it, type to replace it.' : spec.hint;
  return (
    <Field label={spec.label} isRequired={spec.isRequired === true} hint={hint} error={props.error}>
      {({ id, describedBy, isInvalid }) =>
        spec.kind === 'select' ? (
          <select
            id={id}
            value={fieldText(spec, props.value)}
            onChange={(event) => props.onChange(event.target.value)}
            onBlur={props.onBlur}
            aria-describedby={describedBy}
            aria-invalid={isInvalid}
          >
            {(spec.options ?? []).map((option) => (
              <option key={option} value={option}>
                {option === '' ? 'Default' : option}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            type={spec.kind === 'secret' ? 'password' : spec.kind === 'url' ? 'url' : 'text'}
            autoComplete={spec.kind === 'secret' ? 'new-password' : 'off'}
            spellCheck={false}
            placeholder={spec.kind === 'secret' && props.isStored ? '•••••••• (stored)' : spec.placeholder}
            value={spec.kind === 'list' ? listText : fieldText(spec, props.value)}
            onChange={(event) => {
              if (spec.kind === 'list') setListText(event.target.value);
              props.onChange(event.target.value);
            }}
            onBlur={props.onBlur}
            aria-describedby={describedBy}
            aria-invalid={isInvalid}
          />
        )
      }
    </Field>
  );
}

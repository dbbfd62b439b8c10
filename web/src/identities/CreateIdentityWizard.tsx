// The create-identity wizard (route /identities/new, optional ?clientId=): client or agency →
// platform (only OPERATIONAL ones selectable, the others shown with their state) → type → that
// type's fields → review → create, then the new identity's page, where provisioning goes on
// live. The API's BAD_USER_INPUT errors go back to the step and field they name; a CONFLICT
// names and links the existing identity.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { IdentityType } from '../gql/graphql';
import { useMe } from '../app/session';
import { ErrorNotice, Loading, PageState } from '../app/ui';
import { toUiError, type UiError } from '../api/errors';
import { FormField } from './FormField';
import { stripFieldPrefix } from './formErrors';
import { useSecretMutation } from './useSecretMutation';
import { TYPE_HINTS, TYPE_LABELS, connectionLabel } from './labels';
import { AGENCY_WIDE, STEPS, TYPE_FIELDS, emptyDraft, stepOfField, toInput, typeUnavailable, validateStep, type Draft, type FieldName, type StepId } from './wizardModel';
import './identities.css';

const WizardChoicesDocument = graphql(`
  query CreateIdentityChoices {
    clients(first: 100) { nodes { id name } }
    platforms { key name connection { state } }
  }
`);

const CreateIdentityDocument = graphql(`
  mutation CreateIdentity($input: CreateIdentityInput!) {
    createIdentity(input: $input) { id }
  }
`);

const IDENTITY_TYPES: IdentityType[] = ['MANAGED_GWS', 'EXTERNAL_LOGIN', 'API_TOKEN'];

export function CreateIdentityWizard() {
  const me = useMe();
  if (!me.can.manage) {
    return <PageState error={{ kind: 'page', code: 'FORBIDDEN', message: 'Only owners and admins create identities.' }} />;
  }
  return <Wizard />;
}

function Wizard() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const presetClient = params.get('clientId');
  const [draft, setDraft] = useState<Draft>(() => emptyDraft(presetClient));
  const [step, setStep] = useState<StepId>(presetClient ? 'platform' : 'scope');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<UiError | null>(null);
  const [{ data, error, fetching }] = useQuery({ query: WizardChoicesDocument });
  const [{ fetching: creating }, create] = useSecretMutation(CreateIdentityDocument);
  const heading = useRef<HTMLHeadingElement>(null);
  const form = useRef<HTMLFormElement>(null);
  const moved = useRef(false);

  // After a step change, focus goes to the first field in error, or else to the step's heading.
  useEffect(() => {
    if (!moved.current) return;
    moved.current = false;
    const invalid = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? heading.current)?.focus();
  }, [step, errors]);

  if (error && !data) return <PageState error={error} />;
  if (!data) return fetching ? <Loading what="clients and platforms" /> : null;

  const index = STEPS.findIndex((s) => s.id === step);
  const go = (to: StepId) => {
    moved.current = true;
    setStep(to);
  };
  const update = (patch: Partial<Draft>, clear: string[]) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !clear.includes(k))));
    setGeneral(null);
  };
  const setValue = (name: FieldName) => (v: string) => update({ values: { ...draft.values, [name]: v } }, [name]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local = validateStep(step, draft);
    if (Object.keys(local).length > 0) {
      moved.current = true;
      setErrors(local);
      return;
    }
    if (step !== 'review') {
      setErrors({});
      go(STEPS[index + 1]!.id);
      return;
    }
    setGeneral(null);
    const res = await createAndRead(create, draft);
    if ('id' in res) {
      navigate(`/identities/${res.id}`);
      return;
    }
    const ui = res.ui;
    if (ui.kind === 'field' && ui.field && stepOfField(ui.field) !== 'review') {
      const field = ui.field.split('.').pop() ?? ui.field;
      moved.current = true;
      setErrors({ [field]: stripFieldPrefix(field, ui.message) });
      setStep(stepOfField(field));
    } else {
      setGeneral(ui);
    }
  };

  const clients = data.clients.nodes;
  const clientName = clients.find((c) => c.id === draft.clientId)?.name;
  const platformName = draft.platform === AGENCY_WIDE ? 'All platforms (agency-wide)' : data.platforms.find((p) => p.key === draft.platform)?.name;

  return (
    <section className="wizard" aria-labelledby="wizard-title">
      <h1 id="wizard-title">Create identity</h1>
      <ol className="wizard-steps" aria-label="Wizard steps">
        {STEPS.map((s, i) => (
          <li key={s.id} aria-current={s.id === step ? 'step' : undefined} className={i < index ? 'done' : undefined}>
            <span className="vh">Step {i + 1} of {STEPS.length}: </span>
            {s.label}
            {i < index && <span className="vh"> (done)</span>}
          </li>
        ))}
      </ol>
      <form ref={form} onSubmit={submit} noValidate>
        <h2 id="step-title" ref={heading} tabIndex={-1}>
          Step {index + 1} of {STEPS.length}: {STEPS[index]!.label}
        </h2>

        {step === 'scope' && (
          <ScopeStep draft={draft} clients={clients} errors={errors} onChange={update} />
        )}

        {step === 'platform' && (
          <ChoiceGroup
            legend="Platform"
            name="platform"
            value={draft.platform ?? ''}
            error={errors['platform']}
            onChange={(v) => update({ platform: v as Draft['platform'] }, ['platform', 'type'])}
            options={[
              ...data.platforms.map((p) => {
                const state = p.connection?.state;
                const ok = state === 'OPERATIONAL';
                return {
                  value: p.key,
                  label: p.name,
                  detail: ok ? 'Operational' : `${connectionLabel(state)}: not available until the connection is OPERATIONAL`,
                  disabled: !ok,
                };
              }),
              ...(draft.scope === 'agency'
                ? [{ value: AGENCY_WIDE, label: 'All platforms (agency-wide)', detail: 'An agency login or token not tied to one platform', disabled: false }]
                : []),
            ]}
          />
        )}

        {step === 'type' && (
          <ChoiceGroup
            legend="Identity type"
            name="type"
            value={draft.type ?? ''}
            error={errors['type']}
            onChange={(v) => update({ type: v as IdentityType }, ['type'])}
            options={IDENTITY_TYPES.map((t) => {
              const why = typeUnavailable(t, draft);
              return { value: t, label: TYPE_LABELS[t], detail: why ?? TYPE_HINTS[t], disabled: why != null };
            })}
          />
        )}

        {step === 'details' && draft.type && (
          <>
            <p className="muted">{TYPE_HINTS[draft.type]}</p>
            {TYPE_FIELDS[draft.type].map((f) => (
              <FormField
                key={f.name}
                label={f.label}
                name={f.name}
                type={f.input ?? 'text'}
                multiline={f.multiline}
                required={f.required}
                autoComplete={f.secret ? 'new-password' : 'off'}
                hint={f.hint}
                value={draft.values[f.name]}
                onChange={setValue(f.name)}
                error={errors[f.name]}
              />
            ))}
          </>
        )}

        {step === 'review' && draft.type && (
          <dl className="facts" aria-label="What will be created">
            <dt>Owner</dt>
            <dd>{draft.scope === 'agency' ? 'The agency' : clientName}</dd>
            <dt>Platform</dt>
            <dd>{platformName}</dd>
            <dt>Type</dt>
            <dd>{TYPE_LABELS[draft.type]}</dd>
            {TYPE_FIELDS[draft.type].map((f) => (
              <div key={f.name} style={{ display: 'contents' }}>
                <dt>{f.label}</dt>
                <dd>{f.secret ? (draft.values[f.name] ? 'Set (hidden)' : 'Not set') : draft.values[f.name] || '—'}</dd>
              </div>
            ))}
          </dl>
        )}

        <ErrorNotice error={general} />

        <div className="wizard-nav">
          <button type="button" onClick={() => go(STEPS[index - 1]!.id)} disabled={index === 0}>
            Back
          </button>
          <button type="submit" className="primary" disabled={creating}>
            {step === 'review' ? (creating ? 'Creating…' : 'Create identity') : 'Next'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Runs createIdentity; answers the new id, or what went wrong (a CONFLICT names the existing object). */
async function createAndRead(
  create: (v: { input: ReturnType<typeof toInput> }) => Promise<{ data: { createIdentity: { id: string } } | null; error: import('urql').CombinedError | null }>,
  draft: Draft,
): Promise<{ id: string } | { ui: UiError }> {
  const { data, error } = await create({ input: toInput(draft) });
  if (data) return { id: data.createIdentity.id };
  return { ui: toUiError(error) ?? { kind: 'other', message: 'The identity could not be created.' } };
}

function ScopeStep({
  draft,
  clients,
  errors,
  onChange,
}: {
  draft: Draft;
  clients: { id: string; name: string }[];
  errors: Record<string, string>;
  onChange(patch: Partial<Draft>, clear: string[]): void;
}) {
  const selectId = useId();
  return (
    <>
      <ChoiceGroup
        legend="Who owns the identity"
        name="scope"
        value={draft.scope ?? ''}
        error={errors['scope']}
        onChange={(v) =>
          onChange({ scope: v as Draft['scope'], platform: null, type: null, clientId: v === 'agency' ? '' : draft.clientId }, ['scope', 'clientId', 'platform', 'type'])
        }
        options={[
          { value: 'client', label: 'A client', detail: 'A client-dedicated identity: one live per client and platform', disabled: false },
          { value: 'agency', label: 'The agency', detail: "The agency's own identity: one live per platform", disabled: false },
        ]}
      />
      {draft.scope === 'client' && (
        <div className={errors['clientId'] ? 'field field-invalid' : 'field'}>
          <label htmlFor={selectId}>
            Client<span className="required"> (required)</span>
          </label>
          <select
            id={selectId}
            name="clientId"
            value={draft.clientId}
            aria-required
            aria-invalid={errors['clientId'] ? true : undefined}
            aria-describedby={errors['clientId'] ? `${selectId}-error` : undefined}
            onChange={(e) => onChange({ clientId: e.target.value }, ['clientId'])}
          >
            <option value="">Choose a client…</option>
            {clients.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          {errors['clientId'] && (
            <p id={`${selectId}-error`} className="field-error">
              {errors['clientId']}
            </p>
          )}
        </div>
      )}
    </>
  );
}

interface Option {
  value: string;
  label: string;
  detail: string;
  disabled: boolean;
}

/** A labelled radio group (arrow keys move between options) with its error tied to it. */
function ChoiceGroup({ legend, name, value, options, error, onChange }: { legend: string; name: string; value: string; options: Option[]; error?: string; onChange(v: string): void }) {
  const id = useId();
  return (
    <fieldset className="choices" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className={o.disabled ? 'choice disabled' : 'choice'}>
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={value === o.value}
            disabled={o.disabled}
            aria-invalid={error ? true : undefined}
            onChange={() => onChange(o.value)}
          />
          <span>
            <strong>{o.label}</strong>
            <span className="muted">{o.detail}</span>
          </span>
        </label>
      ))}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export default CreateIdentityWizard;

// Request access (client user): an OPERATIONAL platform with an identity type, or a role
// template; a justification. The API's field errors appear on their fields.
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { graphql } from '../gql';
import type { IdentityType, PlatformKey } from '../gql/graphql';
import { fieldErrors, toUiError } from '../api/errors';
import { ErrorNotice, Loading, PageState } from '../app/ui';
import { useMe } from '../app/session';

const RequestAccessOptionsDocument = graphql(`
  query RequestAccessOptions {
    platforms { key name connection { state } }
    roleTemplates { id name identityType defaultJustification platform { key name } }
  }
`);

const SubmitAccessRequestDocument = graphql(`
  mutation SubmitAccessRequest($input: SubmitAccessRequestInput!) {
    submitAccessRequest(input: $input) { ...AccessRequestFields }
  }
`);

const TYPES: { value: IdentityType; label: string }[] = [
  { value: 'MANAGED_GWS', label: 'Managed Google Workspace user' },
  { value: 'EXTERNAL_LOGIN', label: 'External login' },
  { value: 'API_TOKEN', label: 'API token' },
];

export function RequestAccessPage() {
  const me = useMe();
  const navigate = useNavigate();
  const [{ data, error, fetching }] = useQuery({ query: RequestAccessOptionsDocument });
  const [state, submit] = useMutation(SubmitAccessRequestDocument);
  const [templateId, setTemplateId] = useState('');
  const [platform, setPlatform] = useState('');
  const [identityType, setIdentityType] = useState<IdentityType>('MANAGED_GWS');
  const [justification, setJustification] = useState('');
  const [err, setErr] = useState<CombinedError | null>(null);
  if (!me.can.submitRequest) return <PageState error={{ kind: 'page', code: 'FORBIDDEN', message: 'Only client users request access.' }} />;
  if (error && !data) return <PageState error={error} />;
  if (fetching && !data) return <Loading what="platforms" />;
  const platforms = (data?.platforms ?? []).filter((p) => p.connection?.state === 'OPERATIONAL');
  const templates = data?.roleTemplates ?? [];
  const fields = fieldErrors(err);
  const ui = toUiError(err);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const input = templateId
      ? { roleTemplateId: templateId, justification: justification.trim() || null }
      : { platform: (platform || null) as PlatformKey | null, identityType, justification: justification.trim() || null };
    const res = await submit({ input });
    if (res.error) {
      setErr(res.error);
      return;
    }
    navigate('/my/requests');
  }

  const described = (name: string) => (fields[name] ? { 'aria-invalid': true, 'aria-describedby': `ra-${name}-error` } : {});
  const fieldError = (name: string) =>
    fields[name] ? (
      <p id={`ra-${name}-error`} className="error">
        {fields[name]}
      </p>
    ) : null;

  return (
    <section>
      <h1>Request access</h1>
      <form className="stack" onSubmit={onSubmit} aria-label="Request access">
        {templates.length > 0 && (
          <>
            <label htmlFor="ra-template">Role template</label>
            <select id="ra-template" value={templateId} onChange={(e) => setTemplateId(e.target.value)} {...described('roleTemplateId')}>
              <option value="">None: choose a platform and type</option>
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name} ({t.platform.name}, {t.identityType})
                </option>
              ))}
            </select>
            {fieldError('roleTemplateId')}
          </>
        )}
        {!templateId && (
          <>
            <label htmlFor="ra-platform">Platform</label>
            <select id="ra-platform" value={platform} onChange={(e) => setPlatform(e.target.value)} {...described('platform')}>
              <option value="">Choose a platform</option>
              {platforms.map((p) => (
                <option key={p.key} value={p.key}>
                  {p.name}
                </option>
              ))}
            </select>
            {fieldError('platform')}
            <label htmlFor="ra-type">Identity type</label>
            <select id="ra-type" value={identityType} onChange={(e) => setIdentityType(e.target.value as IdentityType)} {...described('identityType')}>
              {TYPES.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
            {fieldError('identityType')}
          </>
        )}
        <label htmlFor="ra-justification">Justification</label>
        <textarea
          id="ra-justification"
          rows={3}
          value={justification}
          onChange={(e) => setJustification(e.target.value)}
          {...described('justification')}
        />
        {fieldError('justification')}
        {ui && !(ui.kind === 'field' && ui.field && fields[ui.field.split('.').pop() ?? '']) && <ErrorNotice error={ui} />}
        <button type="submit" className="primary" disabled={state.fetching}>
          Submit request
        </button>
      </form>
    </section>
  );
}

// The provisioning state as steps (SPEC "Provisioning states"): the step the identity waits on
// is marked (aria-current="step" and the word "pending" or "failed", never colour alone), and
// the last error is shown under the steps.
import type { IdentityType, ProvisioningState } from '../gql/graphql';

type StepStatus = 'done' | 'current' | 'failed' | 'todo';

interface Step {
  label: string;
  status: StepStatus;
  note: string;
}

/** The steps for an identity in `state`, with which is done, pending or failed. */
export function provisioningSteps(state: ProvisioningState, type: IdentityType): Step[] {
  const managed = type === 'MANAGED_GWS';
  const making = managed ? 'Creating the Google Workspace user' : 'Storing the credentials';
  const waiting = managed ? 'Waiting for the provisioning job' : 'Waiting for credentials (Update credentials)';
  if (state === 'DEPROVISIONING' || state === 'DELETED') {
    return [
      { label: 'Provisioned', status: 'done', note: 'Done' },
      {
        label: 'Deprovisioning',
        status: state === 'DEPROVISIONING' ? 'current' : 'done',
        note: state === 'DEPROVISIONING' ? (managed ? 'Pending: suspending the directory user' : 'Pending: forgetting the credentials') : 'Done',
      },
      { label: 'Deleted', status: state === 'DELETED' ? 'done' : 'todo', note: state === 'DELETED' ? 'Done' : 'Not yet' },
    ];
  }
  const order: ProvisioningState[] = ['PENDING', 'PROVISIONING', 'PROVISIONED'];
  const at = state === 'FAILED' ? 1 : order.indexOf(state);
  return [
    { label: 'Requested', status: at > 0 ? 'done' : 'current', note: at > 0 ? 'Done' : `Pending: ${waiting}` },
    {
      label: 'Provisioning',
      status: state === 'FAILED' ? 'failed' : at > 1 ? 'done' : at === 1 ? 'current' : 'todo',
      note: state === 'FAILED' ? 'Failed' : at > 1 ? 'Done' : at === 1 ? `Pending: ${making}` : 'Not yet',
    },
    { label: 'Provisioned', status: at === 2 ? 'done' : 'todo', note: at === 2 ? 'Done' : 'Not yet' },
  ];
}

export function ProvisioningSteps({ state, type, lastError }: { state: ProvisioningState; type: IdentityType; lastError: string | null | undefined }) {
  const steps = provisioningSteps(state, type);
  return (
    <>
      <ol className="steps" aria-label="Provisioning steps">
        {steps.map((s) => (
          <li key={s.label} className={`step-${s.status}`} aria-current={s.status === 'current' || s.status === 'failed' ? 'step' : undefined}>
            {s.label}
            <span className="step-note">{s.note}</span>
          </li>
        ))}
      </ol>
      {lastError && (
        <p className="last-error">
          <strong>Last error:</strong> {lastError}
        </p>
      )}
    </>
  );
}

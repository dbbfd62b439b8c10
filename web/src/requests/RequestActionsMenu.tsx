// The three-dot actions menu on a request row: Approve and Reject, each opening its dialog.
// Offered only for PENDING requests and only to roles that may decide (the API checks again).
import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { useState } from 'react';
import type { AccessRequestFieldsFragment } from '../gql/graphql';
import { DecisionDialog, requestLabel, type Decision } from './DecisionDialog';

interface Props {
  request: AccessRequestFieldsFragment;
  canDecide: boolean;
  onDecided?(decided: AccessRequestFieldsFragment): void;
}

export function RequestActionsMenu({ request, canDecide, onDecided }: Props) {
  const [decision, setDecision] = useState<Decision | null>(null);
  if (!canDecide || request.status !== 'PENDING') return null;
  return (
    <>
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger asChild>
          <button type="button" className="kebab" aria-label={`Actions for ${requestLabel(request)}`}>
            <span aria-hidden="true">⋮</span>
          </button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
            <DropdownMenu.Item onSelect={() => setDecision('approve')}>Approve</DropdownMenu.Item>
            <DropdownMenu.Item onSelect={() => setDecision('reject')}>Reject</DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <DecisionDialog request={request} decision={decision} onClose={() => setDecision(null)} onDone={onDecided} />
    </>
  );
}

// Every route of the console. Each screen lives in its own folder (see web/README.md).
import { Route, Routes } from 'react-router';
import { Home, Layout } from './Layout';
import { LoginPage } from '../login/LoginPage';
import { ClientsPage } from '../clients/ClientsPage';
import { ClientPage } from '../clients/ClientPage';
import { IdentityPage } from '../identities/IdentityPage';
import { CreateIdentityWizard } from '../identities/CreateIdentityWizard';
import { NotificationsPage } from '../notifications/NotificationsPage';
import { RequestAccessPage } from '../requests/RequestAccessPage';
import { MyRequestsPage } from '../requests/MyRequestsPage';
import { MyIdentitiesPage } from '../requests/MyIdentitiesPage';
import { PageState } from './ui';

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<Layout />}>
        <Route index element={<Home />} />
        <Route path="clients" element={<ClientsPage />} />
        <Route path="clients/:id" element={<ClientPage />} />
        <Route path="identities/new" element={<CreateIdentityWizard />} />
        <Route path="identities/:id" element={<IdentityPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="request-access" element={<RequestAccessPage />} />
        <Route path="my/requests" element={<MyRequestsPage />} />
        <Route path="my/identities" element={<MyIdentitiesPage />} />
        <Route path="*" element={<PageState error={{ kind: 'page', code: 'NOT_FOUND', message: 'There is no such page.' }} />} />
      </Route>
    </Routes>
  );
}

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiProvider } from './app/session';
import { AppRoutes } from './app/routes';
import './app/app.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <ApiProvider>
        <AppRoutes />
      </ApiProvider>
    </BrowserRouter>
  </StrictMode>,
);

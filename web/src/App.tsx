import { useEffect, useState } from 'react';
import { loadSession, onUnauthorized, signOut } from './api.ts';
import { useConnection } from './live.ts';
import { AppDetail } from './pages/AppDetail.tsx';
import { AppList } from './pages/AppList.tsx';
import { SignIn } from './pages/SignIn.tsx';
import { Link, useLocation } from './router.tsx';
import type { Principal } from './types.ts';

export function App() {
  const [principal, setPrincipal] = useState<Principal | null>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    loadSession().then(setPrincipal, (e: Error) => setError(e.message));
    return onUnauthorized(() => setPrincipal(null));
  }, []);
  if (error) return <p role="alert">Drover's API is not answering: {error}</p>;
  if (principal === undefined) return <p aria-busy="true">Loading…</p>;
  if (principal === null) return <SignIn onSignedIn={setPrincipal} />;
  return <Shell principal={principal} onSignOut={() => setPrincipal(null)} />;
}

function Shell({ principal, onSignOut }: { principal: Principal; onSignOut: () => void }) {
  const url = useLocation();
  const match = /^\/apps\/([^/]+)\/?$/.exec(url.pathname);
  const name = match ? decodeURIComponent(match[1]!) : undefined;
  useEffect(() => {
    document.title = name ? `${name} · Drover` : 'Drover';
  }, [name]);
  return (
    <>
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          Drover
        </Link>
        <ConnectionState />
        <span className="who small">
          {principal.kind === 'anonymous'
            ? 'no sign-in on this server'
            : (principal.name ?? principal.email ?? principal.id)}{' '}
          · {principal.role}
        </span>
        {principal.kind !== 'anonymous' && (
          <button type="button" onClick={() => signOut().finally(onSignOut)}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        {name ? (
          <AppDetail key={name} name={name} role={principal.role} />
        ) : url.pathname === '/' ? (
          <AppList />
        ) : (
          <NotFound />
        )}
      </main>
    </>
  );
}

/** Live, polling, or lost; after a loss, "Reconnected" until the next change, so the return is noticed too. */
function ConnectionState() {
  const state = useConnection();
  const [wasLost, setWasLost] = useState(false);
  useEffect(() => {
    if (state === 'lost') setWasLost(true);
  }, [state]);
  const words = {
    connecting: 'Connecting…',
    live: wasLost ? 'Reconnected: live' : 'Live',
    polling: wasLost ? 'Reconnected: live (polling)' : 'Live (polling)',
    lost: 'Connection lost, reconnecting…',
  }[state];
  return (
    <span className={`connection connection-${state}`} role="status" aria-live="polite" data-connection={state}>
      <span aria-hidden="true">{state === 'lost' ? '⚠' : '●'}</span> {words}
    </span>
  );
}

function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page here. <Link href="/">See all applications</Link>.
      </p>
    </>
  );
}

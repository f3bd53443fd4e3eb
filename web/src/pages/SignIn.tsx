import { useEffect, useState, type FormEvent } from 'react';
import { signInProviders, signIn } from '../api.ts';
import type { Principal } from '../types.ts';

/** Sign-in with an API token (kept in a HttpOnly cookie by the server, never in the page's storage) or SSO. */
export function SignIn({ onSignedIn }: { onSignedIn: (p: Principal) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // undefined until the server says which sign-in methods it offers; SSO shows only where OIDC is configured.
  const [sso, setSso] = useState<boolean>();
  useEffect(() => {
    signInProviders()
      .then((p) => setSso(p.oidc))
      .catch(() => setSso(false));
  }, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(token.trim()));
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <main className="signin" id="main" aria-busy={sso === undefined}>
      <h1>Sign in to Drover</h1>
      <form onSubmit={submit}>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          placeholder="drv_..."
          required
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" className="small muted">
          Create one with <code>drover token create --role operator</code>; <code>drover demo</code> prints an admin
          token as <code>DROVER_TOKEN</code>.
        </p>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !token.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {sso && (
        <p>
          <a href="/api/v1/session/oidc">Sign in with single sign-on</a>
        </p>
      )}
    </main>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Loads `load()` now and again whenever `reload()` is called; reloads that arrive while one is
 * running coalesce into one more, so a burst of live events costs two requests, not fifty.
 */
export function useResource<T>(load: () => Promise<T>, key: string) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const running = useRef(false);
  const again = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = true;
    try {
      do {
        again.current = false;
        try {
          setData(await loadRef.current());
          setError(undefined);
        } catch (caught) {
          setError(caught as Error);
        }
      } while (again.current);
    } finally {
      running.current = false;
    }
  }, []);

  useEffect(() => {
    setData(undefined);
    void reload();
  }, [key, reload]);

  return { data, error, reload, setData };
}

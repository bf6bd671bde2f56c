import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { Transport } from "@till/sdk";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { readStoredToken, storeToken, transportFor } from "./api.ts";

export interface Me {
  id: string;
  email: string;
  is_superuser: boolean;
  is_verified?: boolean;
  tfa_enabled?: boolean;
  settings?: { balance_currency?: string; fetch_balance?: boolean };
}

interface Session {
  token: string | null;
  api: Transport;
  signIn(token: string): void;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(readStoredToken);
  const client = useQueryClient();
  const api = useMemo(() => transportFor(token), [token]);
  const signIn = useCallback(
    (next: string) => {
      storeToken(next);
      client.clear();
      setToken(next);
    },
    [client],
  );
  const signOut = useCallback(async () => {
    // Revoke the token on the server; forget it locally even when the server no longer knows it.
    try {
      const current = await api.get<{ id: string }>("/token/current");
      await api.delete(`/token/${encodeURIComponent(current.id)}`);
    } catch {
      // already invalid
    }
    storeToken(null);
    client.clear();
    setToken(null);
  }, [api, client]);
  const value = useMemo(() => ({ token, api, signIn, signOut }), [token, api, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

export const useApi = () => useSession().api;

export function useMe() {
  const { api, token } = useSession();
  return useQuery({ queryKey: ["me", token], queryFn: () => api.get<Me>("/users/me"), enabled: !!token });
}

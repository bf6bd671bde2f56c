import { useQuery } from "@tanstack/react-query";
import type { Page } from "../api.ts";
import { createdColumn, customColumn, linkColumn, textColumn } from "../columns.tsx";
import { ResourcePage } from "../ResourcePage.tsx";
import { useApi } from "../session.tsx";
import { CopyButton } from "../ui/CopyButton.tsx";

export function WalletsPage() {
  const api = useApi();
  const cryptos =
    useQuery({ queryKey: ["cryptos"], queryFn: () => api.get<Page<string>>("/cryptos") }).data?.result ?? [];
  return (
    <ResourcePage
      title="Wallets"
      noun="wallet"
      path="/wallets"
      columns={[
        linkColumn("name", "Name", (row) => `/wallets/${row.id}`),
        textColumn("currency", "Currency"),
        textColumn("balance", "Balance", false),
        customColumn("sync_status", "Sync", (row) => (
          <>
            {String(row.sync_status ?? "")}
            {row.gap_limit_warning ? <span className="badge badge-invalid"> gap limit</span> : null}
          </>
        )),
        createdColumn,
      ]}
      expand={(row) => (
        <dl className="details">
          <dt>Key</dt>
          <dd>
            <code className="break">{String(row.xpub)}</code> <CopyButton value={String(row.xpub)} />
          </dd>
          {row.descriptor ? (
            <>
              <dt>Descriptor</dt>
              <dd>
                <code className="break">{String(row.descriptor)}</code> <CopyButton value={String(row.descriptor)} />
              </dd>
            </>
          ) : null}
          <dt>Derivation</dt>
          <dd>
            {String(row.script_type ?? "")} {String(row.derivation ?? "")}
          </dd>
        </dl>
      )}
      form={{
        fields: [
          { name: "name", label: "Name", required: true },
          {
            name: "currency",
            label: "Currency",
            kind: "select",
            required: true,
            options: cryptos.map((c) => ({ value: c, label: c.toUpperCase() })),
          },
          {
            name: "xpub",
            label: "Public key (xpub, zpub, vpub, tpub or descriptor)",
            kind: "textarea",
            required: true,
            help: "A watch-only key: Till never holds a private key.",
          },
          { name: "label", label: "Label" },
        ],
        editFields: [
          { name: "name", label: "Name", required: true },
          { name: "label", label: "Label" },
          { name: "hint", label: "Hint" },
        ],
        defaults: { currency: cryptos[0] ?? "btc" },
        initial: (row) => ({ name: row.name, label: row.label, hint: row.hint }),
      }}
    />
  );
}

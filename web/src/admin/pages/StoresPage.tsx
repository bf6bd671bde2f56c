import { createdColumn, customColumn, linkColumn, textColumn } from "../columns.tsx";
import { ResourcePage, useOptions } from "../ResourcePage.tsx";
import { Link } from "../router.tsx";
import { CopyButton } from "../ui/CopyButton.tsx";

export function StoresPage() {
  const wallets = useOptions("/wallets");
  const fields = [
    { name: "name", label: "Name", required: true },
    { name: "default_currency", label: "Default currency", placeholder: "USD" },
    { name: "wallets", label: "Wallets", kind: "multi" as const, options: wallets },
  ];
  return (
    <ResourcePage
      title="Stores"
      noun="store"
      path="/stores"
      columns={[
        linkColumn("name", "Name", (row) => `/stores/${row.id}`),
        textColumn("default_currency", "Currency"),
        customColumn("wallets", "Wallets", (row) => String((row.wallets as string[] | undefined)?.length ?? 0)),
        customColumn("id", "ID", (row) => (
          <>
            <code>{row.id}</code> <CopyButton value={row.id} label="Copy ID" />
          </>
        )),
        createdColumn,
      ]}
      form={{
        fields,
        defaults: { default_currency: "USD", wallets: [] },
        initial: (row) => ({ name: row.name, default_currency: row.default_currency, wallets: row.wallets }),
      }}
      rowExtra={(row) => (
        <Link className="button small" to={`/stores/${row.id}`}>
          Settings
        </Link>
      )}
    />
  );
}

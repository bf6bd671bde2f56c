import { createdColumn, textColumn } from "../columns.tsx";
import { ResourcePage } from "../ResourcePage.tsx";

export function DiscountsPage() {
  return (
    <ResourcePage
      title="Discounts"
      noun="discount"
      path="/discounts"
      columns={[
        textColumn("name", "Name"),
        textColumn("percent", "Percent"),
        textColumn("promocode", "Promocode"),
        textColumn("currencies", "Currencies"),
        textColumn("end_date", "Ends"),
        createdColumn,
      ]}
      form={{
        fields: [
          { name: "name", label: "Name", required: true },
          { name: "percent", label: "Percent (1–100)", kind: "number", required: true },
          { name: "end_date", label: "End date", kind: "text", placeholder: "2030-01-01T00:00:00Z", required: true },
          { name: "promocode", label: "Promocode" },
          { name: "currencies", label: "Currencies (comma separated, empty = all)" },
          { name: "description", label: "Description", kind: "textarea" },
        ],
      }}
    />
  );
}

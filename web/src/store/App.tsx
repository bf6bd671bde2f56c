export function App() {
  return <main className="page">store</main>;
}

export function App() {
  return <main className="page">admin</main>;
}

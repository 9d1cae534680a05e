/**
 * The one call still written the old way, `api.post<Explain>(routes.explain(id), body)` in
 * pages/compartment/Edit.tsx (changed elsewhere at the same time): typed all the same, path, body and answer.
 * Once that file calls `api.POST('/api/compartments/{id}/explain', …)` this module and `api.post` go.
 */
export const routes = {
  explain: (id: string) => ({ path: '/api/compartments/{id}/explain', id }) as const,
};

export type ExplainRoute = ReturnType<typeof routes.explain>;

/** Dialog and prompt ids: stable, since they are stored in the conversation state. */
export const DialogIds = {
  root: 'root',
  confirmation: 'confirmParticipation',
  confirmationSteps: 'confirmParticipation.steps',
  cancellation: 'cancelConfirmation',
  cancellationSteps: 'cancelConfirmation.steps',
  deleteData: 'deleteMyData',
  deleteDataSteps: 'deleteMyData.steps',
  askOrganisers: 'askOrganisers',
  askOrganisersSteps: 'askOrganisers.steps',
  askEmail: 'prompt.askEmail',
  choice: 'prompt.choice',
  eventChoice: 'prompt.event',
  name: 'prompt.name',
  organisation: 'prompt.organisation',
  email: 'prompt.email',
  country: 'prompt.country',
} as const;

/**
 * botframework-connector 4.23 serialises an activity's entities through a mapper that only knows
 * "type", "text" and "mentioned": the Schema.org citations and feedback actions of an answer would
 * reach the channel as a bare { type }. Declaring the entity open-ended keeps every property, as the
 * channels (Web Chat, Teams) expect them. Done once, at start.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mappers = require('botframework-connector/lib/connectorApi/models/mappers') as { Entity: { type: { additionalProperties?: unknown } } };

export function keepEntityProperties(): void {
  mappers.Entity.type.additionalProperties ??= { type: { name: 'Object' } };
}

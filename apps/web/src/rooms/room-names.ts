/**
 * Readable random room names ("calm-otter-42"): easy to say aloud and to type from someone's
 * screen, and with 40 x 40 x 90 = 144,000 combinations unlikely to land in a room in use.
 * Only lowercase ASCII letters, digits and '-', so they pass the room-name rules everywhere.
 */
const ADJECTIVES = [
  "amber", "bold", "brave", "bright", "brisk", "calm", "clever", "cosy", "crisp", "daring",
  "eager", "fair", "fancy", "gentle", "glad", "golden", "happy", "jolly", "keen", "kind",
  "lively", "lucky", "merry", "mild", "misty", "noble", "plucky", "proud", "quick", "quiet",
  "rapid", "shiny", "silver", "sunny", "swift", "tidy", "vivid", "warm", "wise", "witty",
] as const;

const ANIMALS = [
  "badger", "beaver", "bison", "crane", "dingo", "dolphin", "eagle", "falcon", "ferret", "finch",
  "fox", "gecko", "heron", "ibis", "koala", "lark", "lemur", "lynx", "marten", "mole",
  "moose", "newt", "orca", "otter", "owl", "panda", "puffin", "quail", "raven", "robin",
  "salmon", "seal", "sparrow", "stork", "swan", "tapir", "tiger", "toad", "walrus", "wren",
] as const;

/** `random` returns [0, 1), like Math.random (injectable for tests). */
export function randomRoomName(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]): T => list[Math.min(list.length - 1, Math.floor(random() * list.length))]!;
  const number = 10 + Math.min(89, Math.floor(random() * 90));
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${number}`;
}

export const ROOM_NAME_WORDS = { adjectives: ADJECTIVES, animals: ANIMALS };

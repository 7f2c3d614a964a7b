import mongoose from 'mongoose';

const SERVER_SELECTION_TIMEOUT_MS = 5000;
const RETRY_MS = 2000;

function configure(): void {
  mongoose.set('strictQuery', true);
  // While the server is away, an operation waits this long for it before it fails (and the API answers 503).
  mongoose.set('bufferTimeoutMS', 5000);
}

/** Opens the application's MongoDB connection (a MongoDB server or any MongoDB-wire server such as FerretDB). */
export async function connectMongo(uri: string): Promise<typeof mongoose> {
  configure();
  return mongoose.connect(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS });
}

/**
 * The same connection, opened in the background: until the server first answers, operations wait and
 * fail as they do during an outage, and the connection is tried again every few seconds (the driver
 * itself only reconnects a connection that was once open).
 */
export function connectMongoInBackground(uri: string, onRetry: (err: Error) => void): typeof mongoose {
  configure();
  const attempt = () => {
    mongoose.connect(uri, { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS }).catch((err: Error) => {
      onRetry(err);
      setTimeout(attempt, RETRY_MS).unref();
    });
  };
  attempt();
  return mongoose;
}

import mongoose from 'mongoose';

/** Opens the application's MongoDB connection (a MongoDB server or any MongoDB-wire server such as FerretDB). */
export async function connectMongo(uri: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  // While the server is away, an operation waits this long for it before it fails (and the API answers 503).
  mongoose.set('bufferTimeoutMS', 5000);
  return mongoose.connect(uri, { serverSelectionTimeoutMS: 5000 });
}

import mongoose from 'mongoose';

/** Opens the application's MongoDB connection (a MongoDB server or any MongoDB-wire server such as FerretDB). */
export async function connectMongo(uri: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  return mongoose.connect(uri, { serverSelectionTimeoutMS: 5000 });
}

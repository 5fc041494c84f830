/** An album as stored (`albums/<id>.json`) and indexed: its items in order, and a revision that orders its events. */
export interface Album {
  id: string;
  ownerId: string;
  title: string;
  description?: string;
  coverImageId?: string;
  /** The items, in album order. */
  imageIds: string[];
  createdAt: string;
  updatedAt: string;
  /** Counts every write (1 when created; absent in albums written before events): orders album events. */
  revision?: number;
}

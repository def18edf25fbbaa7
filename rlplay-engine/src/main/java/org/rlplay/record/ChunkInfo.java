package org.rlplay.record;

/**
 * One chunk file of a dataset as the manifest lists it: one recorded fragment. Immutable.
 *
 * @param file         the file name inside the dataset directory
 * @param bytes        the file's size
 * @param crc32        the CRC-32 of the whole file, as 8 lowercase hex digits ({@code zlib.crc32})
 * @param sequence     the fragment's sequence number within its collector's stream
 * @param actorVersion the actor version the fragment was collected with
 * @param collector    the index of the collector that wrote the fragment
 * @param envOffset    the global index of the fragment's env 0
 * @param episodes     the number of episodes that ended in the fragment
 */
public record ChunkInfo(String file, long bytes, String crc32, long sequence, long actorVersion, int collector,
                        int envOffset, int episodes) {
}

package io.migrationgatekeeper.domainxml;

import io.migrationgatekeeper.policy.Disk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The order libvirt keeps disks in ({@code virDomainDiskInsert}): each disk goes before the first disk on the same
 * bus with a higher target index, else right after the last disk on its bus, else at the end. The bus is the one
 * written in the XML ({@code null}: none written, as at that point of libvirt's parse), the index that of
 * {@code virDiskNameToIndex}. libvirt scans the whole list per disk; since every bus's disks stay sorted by index,
 * the same order comes from a linked list and a sorted map per bus, so a body of thousands of disks costs
 * O(n log n), not O(n²).
 */
final class DiskOrder {

    private static final class Node {
        final Disk disk;
        Node previous;
        Node next;

        Node(Disk disk) {
            this.disk = disk;
        }
    }

    private static final class Bus {
        /** The first disk (in list order) of each target index on this bus. */
        final TreeMap<Integer, Node> firstByIndex = new TreeMap<>();
        Node last;
    }

    private final Map<String, Bus> buses = new HashMap<>();
    private Node head;
    private Node tail;
    private int size;

    void add(Disk disk, String writtenBus) {
        int index = DiskTargets.index(disk.target());
        Bus bus = buses.computeIfAbsent(writtenBus == null ? "" : "=" + writtenBus, b -> new Bus());
        Node node = new Node(disk);
        Map.Entry<Integer, Node> higher = bus.firstByIndex.higherEntry(index);
        if (higher != null) {
            insertBefore(node, higher.getValue());
        } else {
            if (bus.last != null) {
                insertAfter(node, bus.last);
            } else {
                append(node);
            }
            bus.last = node;
        }
        bus.firstByIndex.putIfAbsent(index, node);
        size++;
    }

    List<Disk> disks() {
        List<Disk> disks = new ArrayList<>(size);
        for (Node n = head; n != null; n = n.next) {
            disks.add(n.disk);
        }
        return disks;
    }

    private void insertBefore(Node node, Node successor) {
        node.next = successor;
        node.previous = successor.previous;
        if (successor.previous == null) {
            head = node;
        } else {
            successor.previous.next = node;
        }
        successor.previous = node;
    }

    private void insertAfter(Node node, Node predecessor) {
        node.previous = predecessor;
        node.next = predecessor.next;
        if (predecessor.next == null) {
            tail = node;
        } else {
            predecessor.next.previous = node;
        }
        predecessor.next = node;
    }

    private void append(Node node) {
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
            node.previous = tail;
        }
        tail = node;
    }
}

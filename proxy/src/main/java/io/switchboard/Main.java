package io.switchboard;
public final class Main { public static void main(String[] a) {} }

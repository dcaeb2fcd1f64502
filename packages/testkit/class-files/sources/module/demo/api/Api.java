package demo.api; public interface Api {}

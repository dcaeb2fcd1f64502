module demo.app { requires java.sql; exports demo.api; }
